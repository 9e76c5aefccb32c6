"""Pure calculators: numbers in, tables out. No Excel library, no I/O."""
