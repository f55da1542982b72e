"""`voice-interviewer web`: the same interview loop in a browser page, served on this machine.

The page is one more audio source (16 kHz PCM over a WebSocket) and one more sink for the interviewer's WAVs; the
session folder, recordings, feedback and latency fields are those of the terminal interview.
"""
