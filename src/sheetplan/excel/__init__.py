"""The Excel side: the UDFs, the ribbon's Python callbacks, the add-in's build, install and
doctor, its texts, and the VBA project writer (vba/)."""
