"""Practice built on the interview loop: exercises, questions for the interviewer, resume deep-dives, the prep plan."""
