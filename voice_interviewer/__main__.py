from voice_interviewer.cli import main

main()
