"""Building the add-in's VBA offline: MS-OVBA compression, vbaProject.bin, xlwings shims."""
