"""`python -m monitor`: the same as the `monitor` console script."""

if __name__ == "__main__":  # not when a worker process imports the parent's main module
    from monitor.launch import main

    raise SystemExit(main())
