"""The application shell: the main window, start-up, the command-line entry point, file dialogs and autosave."""
