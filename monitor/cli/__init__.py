"""The `monitor` command line.

- main.py         argv -> parsed arguments -> a command's exit status;
- commands.py     what each command does (each opens only what it needs);
- rules_check.py  ``monitor rules check``;
- screen.py       ``monitor status``.
"""
