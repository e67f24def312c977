"""One solve from project to checked plan: build, solve, verify, extract; the killable child-process runner."""
