"""Pages of the quizzes app, one module per part."""
