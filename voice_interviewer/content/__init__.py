"""What the interview is made of: personas and their questions, job descriptions, the candidate's text files."""
