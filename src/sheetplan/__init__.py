"""sheetplan: computed, formatted, repeatable mega-sale plans in Excel."""

__version__ = "0.1.0"
