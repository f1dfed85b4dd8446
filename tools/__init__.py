"""Developer and CI tools: stack files, mocked runs, the policy client, the stack check."""
