"""Small reusable widgets: elided labels, name and year pickers."""
