"""The action types (``category:action``) and the tag vocabulary: data, no logic."""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

from aimds.types import Severity

__all__ = [
    "ACTION_TYPES",
    "CREDENTIAL_STORE_TAG",
    "TAGS",
    "UNKNOWN_READ",
    "UNKNOWN_TYPE",
    "UNKNOWN_WRITE",
    "ActionType",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class ActionType:
    """One leaf of the taxonomy with its default risk.

    ``outbound``: the action sends something across the boundary (network, mail, chat,
    money), so data in its arguments leaves the organisation.
    """

    id: str
    description: str
    risk: Severity
    outbound: bool = False

    @property
    def category(self) -> str:
        return self.id.partition(":")[0]


_L, _M, _H, _C = Severity.LOW, Severity.MEDIUM, Severity.HIGH, Severity.CRITICAL


def _t(id: str, risk: Severity, description: str, *, outbound: bool = False) -> ActionType:
    return ActionType(id=id, description=description, risk=risk, outbound=outbound)


_TYPES = (
    _t("fs:read", _L, "read a file"),
    _t("fs:list", _L, "list or search directories, file metadata"),
    _t("fs:write", _M, "create, change, move or copy files and directories"),
    _t("fs:delete", _H, "delete files or directories, wipe disks"),
    _t("shell:exec", _M, "run a shell command"),
    _t("shell:opaque", _H, "run a command or code whose effect is computed at run time"),
    _t(
        "code:exec",
        _M,
        "run code in an interpreter or notebook (read and found ordinary; "
        "code that does more is typed and tagged by what it does)",
    ),
    _t("net:http_get", _L, "read from a URL", outbound=True),
    _t("net:http_post", _M, "send data to a URL (POST, PUT, PATCH, DELETE)", outbound=True),
    _t("net:download", _M, "download a file", outbound=True),
    _t("net:upload", _H, "upload a file or stream data to a remote host", outbound=True),
    _t("net:connect", _M, "open a raw connection (nc, telnet); ssh is shell:exec with remote_exec",
       outbound=True),
    _t("email:send", _M, "send, reply to or forward e-mail", outbound=True),
    _t("email:read", _L, "read or search a mailbox"),
    _t("email:draft", _L, "write an e-mail draft without sending it"),
    _t("message:send", _M, "post to chat, SMS or social media", outbound=True),
    _t("message:read", _L, "read chat channels or messages"),
    _t("db:query", _L, "read from a database"),
    _t("db:write", _M, "insert, update or delete rows"),
    _t("db:admin", _H, "change schema, users or grants; drop data"),
    _t("db:exec", _C, "run programs or untrusted code on the database server"),
    _t("db:file", _H, "read or write files on the database server from SQL"),
    _t("db:opaque", _H, "SQL that cannot be judged statically: unparseable or built at run time"),
    _t("secrets:read", _H, "read credentials, keys or secrets"),
    _t("secrets:write", _H, "create, change or rotate secrets"),
    _t("identity:privilege_change", _H, "gain or grant privileges (sudo, setuid, roles)"),
    _t("identity:user_admin", _H, "create, change or delete user accounts"),
    _t("identity:login", _M, "log in or authenticate"),
    _t("identity:read", _L, "read user profiles, accounts, groups or roles (no credentials)"),
    _t("payment:transfer", _C, "move money: payments, transfers, charges, payouts", outbound=True),
    _t("payment:refund", _H, "refund a payment", outbound=True),
    _t("payment:read", _L, "read balances, invoices or payment records"),
    _t("agent:spawn", _M, "start another agent"),
    _t("agent:delegate", _M, "hand a task to another agent"),
    _t("agent:config", _H, "change an agent's instructions, tools or settings"),
    _t("memory:read", _L, "read the agent's long-term memory"),
    _t("memory:write", _M, "write to the agent's long-term memory"),
    _t("browser:navigate", _L, "open a page in a browser", outbound=True),
    _t("browser:interact", _M, "click, type, run scripts or control a computer"),
    _t("search:web", _L, "search the web", outbound=True),
    _t("search:internal", _L, "search internal documents or vector stores"),
    _t("vcs:read", _L, "read repository state (status, diff, log)"),
    _t("vcs:write", _M, "change a repository or tracker (commit, branch, issue, PR)"),
    _t("vcs:push", _M, "push commits to a remote", outbound=True),
    _t("unknown:unknown", _M, "a tool the taxonomy does not know"),
    _t(
        "unknown:read",
        _L,
        "a tool the taxonomy does not know whose name says it only looks (get, list, search, "
        "lookup...) and whose arguments are plain values (no path, URL, host, command, SQL, "
        "code, credential or recipient); a role admits it like any type, or the unknown-tool "
        "default applies. Outbound: its arguments go to wherever the tool runs",
        outbound=True,
    ),
    _t(
        "unknown:write",
        _M,
        "a tool the taxonomy does not know whose name says it makes or changes an ordinary "
        "record of its own (create, update, write, export, generate... an event, a sheet, an "
        "image, an archive) and nothing consequential (no delete, run, deploy, send, pay, "
        "connect or grant; no credential, identity, configuration, production system or bulk "
        "object), with arguments that show nothing more (no command, SQL, code, URL, "
        "sensitive path, private host, credential, login or bulk recipients). Outbound: its "
        "arguments go to wherever the tool runs, so data read as sensitive earlier in the "
        "session is caught there (ASA-B-002)",
        outbound=True,
    ),
)
UNKNOWN_READ = "unknown:read"
UNKNOWN_WRITE = "unknown:write"

UNKNOWN_TYPE = "unknown:unknown"

ACTION_TYPES: MappingProxyType[str, ActionType] = MappingProxyType({t.id: t for t in _TYPES})
"""Every known action type by id."""

CREDENTIAL_STORE_TAG = "credential_store:"

TAGS: MappingProxyType[str, str] = MappingProxyType(
    {
        "credential_access": "reads a credential store, secret manager or secret variables",
        "credential_store:<kind>": "which store (aws, ssh, env, kube, shadow, ...; see paths.py)",
        "recon": "gathers facts about the host, users, network or permissions",
        "privilege_change": "gains or grants privileges (sudo, su, setuid, sudoers, groups)",
        "auth_attempt": "tries to log in or authenticate with a password or token",
        "outbound": "sends something across the boundary (network, mail, chat, payment)",
        "has_payload": "carries data out: a body, upload, attachment or data in a URL query",
        "destructive": "deletes or overwrites data or systems in a way hard to undo",
        "wipe_root": "recursively deletes the filesystem root or a home directory (executed, "
        "not merely mentioned: what hard.rm_root blocks)",
        "database_dump": "bulk export of a database or of a sensitive table",
        "code_exec": "runs code given inline, piped in or downloaded",
        "sensitive_path": "touches a credential store or sensitive place",
        "system_path": "touches system files (/etc, /proc, /boot, /dev, ...)",
        "external_recipient": "sends to a recipient outside the internal domains",
        "computed_payload": "a command or program sends data it reads or computes when it "
        "runs (curl -d @file, requests.post(data=open(f).read())): no detector sees it in the "
        "call",
        "consequential_endpoint": "a POST, PUT or PATCH to a URL whose path names a "
        "consequential operation (admin, roles, transfers, payments, secrets, deploy, exec...)",
        "account_key": "encrypts under a key named with its account (a key ARN, a GCP key "
        "resource, an Azure vault key URL; the account among the resources): data leaving "
        "(has_payload) unless taxonomy.own_accounts lists the account",
        "remote_delete": "an HTTP DELETE: removes what the URL names on another system",
        "remote_exec": "runs a command or opens a shell on another machine (ssh host cmd, "
        "ssh_exec, ssh_connect); the command is also classified as if run here",
        "protection_off": "a settings change switches a protection off (authentication, MFA, "
        "TLS verification, audit, firewall...)",
        "personal_records": "carries a table of people: CSV or JSON records with an e-mail, "
        "phone, SSN or similar column",
        "bulk_recipients": "addresses many recipients at once (8 or more e-mail addresses in "
        "one call)",
        "unnamed_remote": "pushes to a repository given as a URL or path rather than a "
        "configured remote (git push https://host/x.git), or points a remote at one",
        "opaque": "what runs is computed at run time and cannot be read statically "
        "(a substituted command name, eval of computed text, decoded data run as code)",
        "download_exec": "runs code that was just downloaded (curl | sh, bash <(curl ...), "
        "curl -o f && sh f, exec(urlopen(...).read()))",
        "reverse_shell": "wires a shell to a network connection (/dev/tcp, nc -e, socat exec:)",
        "persistence": "plants something that runs later (cron, at, services, launchd, shell "
        "rc files, authorized_keys, git hooks, sudoers)",
        "untrusted_package_source": "installs packages from a raw IP, plain HTTP or a "
        "non-default index",
        "format_disk": "formats a filesystem or wipes its signatures (hard.mkfs)",
        "raw_device_write": "writes raw data to a block device (hard.dd_device)",
        "fork_bomb": "starts processes without bound (hard.fork_bomb)",
        "chmod_root": "changes permissions or owners recursively from / (hard.chmod_root)",
        "shadow_access": "touches the system password hashes (hard.shadow_command)",
        "security_weakening": "turns off or weakens a security control (antivirus, firewall, "
        "event logs, LSA and UAC settings); typed as a privilege change",
    }
)
"""The tag vocabulary of :class:`~aimds.types.ActionInfo` (other rooms rely on exactly these)."""
