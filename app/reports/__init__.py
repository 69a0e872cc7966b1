"""Data to PDF (reportlab): the 月报, 一户一档 cards, their fonts and page layout. No Qt, no database sessions."""
