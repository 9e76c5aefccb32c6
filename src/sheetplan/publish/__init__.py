"""What a built plan is published as and read back from: calendar and CSV exports, the
roster store kept in a published workbook, and the check of hand edits made to it."""
