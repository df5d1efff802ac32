from clinic.console.app import main

main()
