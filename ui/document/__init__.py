"""The edited project: the document and its undo commands, and how fields, names and problem locations read."""
