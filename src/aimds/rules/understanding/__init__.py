"""Action understanding: what a tool call *does*, read with parsers, as facts and action types.

One module per grammar or concern; :mod:`aimds.rules.taxonomy` is the one entry point that
wires them (``classify(tool, args) -> ActionInfo``):

``tools``
    the tool's name to a first action type (MCP servers, LangChain, OpenAI Agents SDK, ...)
``arguments``
    every argument read by its content (path, URL, host, e-mail, command, SQL, code) and by
    its name; this is where a new argument shape goes
``shell`` / ``shell_programs``
    a command line parsed into simple commands; what each program family does (a new
    command family goes in ``shell_programs``)
``powershell`` / ``windows_cmd``
    PowerShell (tree-sitter-powershell) and ``cmd.exe`` lines, their commands read as the
    POSIX program families that do the same (a new cmdlet or built-in goes here)
``sql`` / ``nosql``
    SQL statements and what each does (a new dialect or statement kind goes here); Redis
    commands and MongoDB shell calls mapped onto the same types
``globs``
    paths with shell wildcards: the protected places they could expand to
``values``
    what a string argument is by its shape (path, URL, host, e-mail, SQL, command, code,
    secret reference), whatever its name; a new value shape goes here
``network``
    what a destination string really names: wildcard-DNS names and the address they embed
    (the maintained ``WILDCARD_DNS`` list), secret references that are not hosts
``facts`` / ``action_types``
    the facts every module adds to, and the action type vocabulary they map onto

Grammar belongs to maintained parsers; the modules here hold only the security meaning of
what the parsers return. What cannot be resolved statically is a fact of its own (opaque),
never a silent pass.
"""
