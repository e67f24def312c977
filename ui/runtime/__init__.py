"""Runtime helpers: background tasks, GUI turns, garbage collection on the GUI thread, heap freezing, warm-up."""
