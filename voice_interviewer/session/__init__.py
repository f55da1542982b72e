"""One interview: the loop (question, listen, feedback), the candidates who answer, the session folder."""
