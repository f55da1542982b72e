from voice_interviewer.cli import main

if __name__ == "__main__":  # guarded: the speech worker is a spawned process that imports the main module
    main()
