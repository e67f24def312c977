"""One solve from project to checked plan: build, solve, verify the point, extract the plan; the killable child-process runner."""
