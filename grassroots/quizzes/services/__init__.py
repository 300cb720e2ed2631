"""Every write of the quizzes app, one module per part: bank, imports, quizzes, attempts, contests."""
