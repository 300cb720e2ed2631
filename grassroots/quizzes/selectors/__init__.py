"""Every non-trivial read of the quizzes app, scoped to the user, one module per part."""
