"""Tool names to action types: known names of common frameworks, then word heuristics.

Names are compared in a compact form: lowercase, namespace prefixes dropped
(``mcp__server__tool``, ``server.tool``, ``server/tool``), separators removed and a trailing
``tool`` (LangChain, OpenAI Agents SDK class names) ignored.
"""

from __future__ import annotations

import functools
import re
from types import MappingProxyType

from aimds.rules.understanding.action_types import UNKNOWN_WRITE

__all__ = [
    "FILE_VERBS",
    "bare_name",
    "compact_name",
    "name_executes",
    "name_hosts_commands",
    "name_keeps_records",
    "name_language",
    "name_publishes",
    "name_reads_only",
    "name_runs_remote",
    "name_type",
    "name_uses_key",
    "name_verb",
    "name_words",
]


def _names(type_id: str, names: str) -> dict[str, str]:
    return {name: type_id for name in names.split()}


# Compact names (lowercase, no separators) of tools seen in MCP reference servers,
# LangChain, the OpenAI Agents SDK and typical custom agents.
_EXACT: MappingProxyType[str, str] = MappingProxyType(
    _names("fs:read", "readfile readtextfile readmultiplefiles readmediafile getfilecontents "
           "getfilecontent openfile viewfile catfile readfiles loadfile filereader readdocument "
           "view")
    | _names("fs:list", "listdirectory listdir ls directorytree searchfiles glob findfiles "
             "getfileinfo listalloweddirectories listfiles filesearchlocal listdirectorywithsizes "
             "stat tree")
    | _names("fs:write", "writefile editfile createfile createdirectory mkdir movefile copyfile "
             "appendfile savefile appendtofile renamefile strreplaceeditor "
             "strreplacebasededittool texteditor applypatch writetofile filewrite updatefile "
             "copyfiletool movefiletool")
    | _names("fs:delete", "filedelete deletefile removefile rm rmdir deletedirectory unlink")
    | _names("shell:exec", "shell bash sh zsh terminal runcommand exec execute executecommand "
             "runshell runshellcommand shellexec localshell subprocess cmd powershell pwsh fish "
             "dash ksh ash csh tcsh nushell "
             "runterminalcmd terminalcommand runinterminal executeshell shellcommand "
             "runbash bashcommand command cli runscript")
    | _names("code:exec", "pythonrepl python repl codeinterpreter runpython executepython "
             "executecode runcode jupyter notebook ipython evaluate eval javascript nodejs "
             "pythonastrepl pythoninterpreter runjavascript py")
    | _names("net:http_get", "fetch fetchurl requestsget httpget webfetch scrape scrapeurl "
             "crawl geturl readurl fetchwebpage loadurl curl wget openapi")
    | _names("net:http_post", "requestspost httppost requestsput requestspatch requestsdelete "
             "httpput httppatch httpdelete webhook sendwebhook postrequest callwebhook")
    | _names("net:http_get", "httprequest request apicall callapi requests makerequest "
             "sendrequest apirequest restapi graphql")
    | _names("net:download", "download downloadfile downloadurl")
    | _names("net:upload", "upload uploadfile uploadtourl")
    | _names("email:send", "sendemail sendmail gmailsendmessage emailsend replyemail "
             "forwardemail replytoemail sendgmail outlooksendmail smtpsend sendmailmessage "
             "composeandsend")
    | _names("email:read", "reademail getemail gmailgetmessage gmailsearch searchemails "
             "listemails getinbox reademails gmailgetthread getunreademails readinbox "
             "fetchemails searchinbox")
    | _names("email:draft", "gmailcreatedraft draftemail createdraft")
    | _names("message:send", "slackpostmessage slacksendmessage slackreplytothread postmessage "
             "sendmessage sendslackmessage discordsendmessage sendsms twiliosendsms "
             "telegramsendmessage teamssendmessage tweet posttweet sendchatmessage "
             "slackaddreaction sendnotification notify sendtext")
    | _names("message:read", "slackgetchannelhistory slacklistchannels readmessages "
             "slackgetthreadreplies slackgetusers slackgetuserprofile getmessages "
             "readchannel")
    | _names("db:query", "query sqlquery sqldbquery runquery executesql executequery sql "
             "readquery listtables describetable sqldblisttables sqldbschema "
             "sqldbquerychecker infosqldatabase querysqldatabase dbquery databasequery "
             "runsql querydatabase")
    | _names("db:write", "writequery dbexecute sqlexecute")
    | _names("db:admin", "createtable droptable altertable")
    | _names("vcs:read", "gitstatus gitdiff gitdiffunstaged gitdiffstaged gitlog gitshow "
             "getfilecontents searchcode searchrepositories searchissues getissue "
             "listissues listcommits getpullrequest listpullrequests getpullrequestfiles "
             "gitbranch")
    | _names("vcs:write", "gitcommit gitadd gitreset gitcreatebranch gitcheckout gitinit "
             "createissue updateissue addissuecomment createpullrequest "
             "createorupdatefile createbranch createrepository forkrepository "
             "mergepullrequest createpullrequestreview")
    | _names("vcs:push", "pushfiles gitpush")
    | _names("search:web", "bravewebsearch bravelocalsearch tavilysearch tavilysearchresults "
             "duckduckgosearch duckduckgosearchrun duckduckgosearchresults wikipedia "
             "wikipediaqueryrun websearch googlesearch bingsearch serpapi googleserper "
             "search exasearch arxiv arxivqueryrun websearchpreview searchweb internetsearch "
             "googlesearchrun searxsearch")
    | _names("search:internal", "filesearch vectorsearch retriever retrieve knowledgebase "
             "searchdocuments ragsearch searchdocs")
    | _names("browser:navigate", "puppeteernavigate playwrightnavigate browsernavigate "
             "navigate openurl gotourl browse openbrowser navigatebrowser openpage")
    | _names("browser:interact", "puppeteerclick puppeteerfill puppeteerscreenshot "
             "puppeteerselect puppeteerhover computer computeruse computer20241022 "
             "computer20250124 browserclick browsertype playwrightclick playwrightfill "
             "click typetext screenshot")
    | _names("code:exec", "puppeteerevaluate playwrightevaluate browserevaluate")
    | _names("memory:write", "createentities createrelations addobservations deleteentities "
             "deleteobservations deleterelations savememory remember storememory "
             "addmemory updatememory writememory")
    | _names("memory:read", "readgraph searchnodes opennodes recall searchmemory getmemory "
             "readmemory retrievememory")
    | _names("secrets:read", "getsecret readsecret vaultread getcredentials getpassword "
             "getapikey fetchsecret retrievesecret getcredential readcredentials")
    | _names("secrets:write", "setsecret putsecret createsecret vaultwrite rotatesecret "
             "updatesecret storesecret")
    | _names("identity:privilege_change", "sudo su runas elevate grantrole assignrole addrole "
             "setpermissions grantpermission changepermissions addusertogroup "
             "escalateprivileges makeadmin setrole grantaccess")
    | _names("identity:user_admin", "createuser deleteuser adduser removeuser inviteuser "
             "updateuser resetpassword disableuser changepassword")
    | _names("identity:login", "login signin authenticate logon auth verifypassword")
    | _names("payment:transfer", "transferfunds sendmoney makepayment pay payinvoice "
             "createpayment wiretransfer stripecreatepaymentintent stripecreatecharge "
             "stripecreatetransfer stripecreatepayout createcharge createtransfer "
             "createpayout transfer sendpayment initiatetransfer")
    | _names("payment:refund", "refund stripecreaterefund issuerefund createrefund "
             "refundpayment")
    | _names("payment:read", "getbalance checkbalance listtransactions getinvoice")
    | _names("agent:spawn", "spawnagent createagent launchagent runagent startagent task "
             "subagent dispatchagent")
    | _names("agent:delegate", "delegate delegatetask handoff transfertoagent askagent "
             "sendtoagent delegatework askcoworker delegateworktocoworker")
    | _names("agent:config", "updateinstructions setsystemprompt configureagent "
             "updateagentconfig setagentconfig updatesystemprompt")
)  # fmt: skip

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_SPLIT = re.compile(r"[^a-z0-9]+")
_NAMESPACE = re.compile(r"^.*(?:__|[./:]|\s)")


def bare_name(tool: str) -> str:
    """The lowercased name without namespace (``mcp__fs__Read_File`` -> ``read_file``)."""
    return (_NAMESPACE.sub("", tool.strip()) or tool).lower()


@functools.lru_cache(maxsize=1024)
def name_words(tool: str) -> tuple[str, ...]:
    """The words of a tool name without namespace (``mcp__gh__CreateIssue``: create, issue);
    cached, as every call of a tool reads its name several times."""
    last = _NAMESPACE.sub("", tool.strip()) or tool
    return tuple(w for w in _SPLIT.split(_CAMEL.sub(" ", last).lower()) if w)


def compact_name(tool: str) -> str:
    words = name_words(tool)
    if len(words) > 1 and words[-1] in ("tool", "run", "results", "api"):
        words = words[:-1]
    return "".join(words)


def _words(*groups: str) -> frozenset[str]:
    return frozenset(w for g in groups for w in g.split())


# Word heuristics: an object word picks the category, a verb word the action.
_OBJECTS: tuple[tuple[str, frozenset[str]], ...] = (
    ("payment", _words("payment payments pay transfer refund charge invoice stripe paypal "
                       "payout wire funds money transaction billing wallet bank iban")),
    ("secrets", _words("secret secrets vault credential credentials password passwords "
                       "apikey keychain kms")),
    ("fs", _words("file files dir directory folder path fs filesystem document")),
    ("identity", _words("user users role roles permission permissions group groups iam "
                        "privilege privileges sudo admin acl account accounts login signin "
                        "authenticate auth")),
    ("email", _words("email emails mail gmail inbox outlook smtp")),
    # a chat with a language model is a task handed to a model, not a message to people
    ("llm", _words("openai anthropic llm gpt chatgpt claude gemini mistral ollama cohere "
                   "completion completions")),
    ("message", _words("message messages slack chat discord teams sms telegram whatsapp tweet "
                       "channel conversation conversations")),
    ("shell", _words("shell bash terminal command cmd sh zsh powershell pwsh subprocess")),
    ("code", _words("python repl code interpreter jupyter notebook javascript js script")),
    ("db", _words("sql db database query table postgres mysql sqlite mongo redis bigquery "
                  "snowflake records rows mssql tsql sqlserver postgresql psql mariadb oracle "
                  "duckdb clickhouse redshift athena warehouse mongodb valkey keydb "
                  "elasticsearch opensearch elastic")),
    ("memory", _words("memory memories entity entities graph observations knowledge")),
    ("agent", _words("agent agents subagent assistant crew coworker")),
    ("browser", _words("browser page puppeteer playwright selenium click screenshot "
                       "computer")),
    ("search", _words("search google bing tavily duckduckgo brave serp wikipedia arxiv exa "
                      "serper")),
    ("vcs", _words("git github gitlab repo repository commit branch pull issue vcs jira ticket "
                   "tickets tracker asana trello youtrack bugzilla redmine clickup comment "
                   "comments")),
    ("net", _words("http https url request requests fetch web webhook download upload api "
                   "curl scrape")),
)  # fmt: skip
_VERBS: tuple[tuple[str, frozenset[str]], ...] = (
    ("delete", _words("delete remove rm unlink drop destroy purge erase wipe trash")),
    ("send", _words("send post publish reply forward notify share tweet email push")),
    ("exec", _words("exec execute run eval evaluate invoke")),
    ("refund", _words("refund")),
    ("transfer", _words("transfer pay charge withdraw payout wire")),
    ("login", _words("login signin authenticate logon auth")),
    ("spawn", _words("spawn launch start create")),
    ("delegate", _words("delegate handoff assign ask")),
    ("config", _words("config configure instructions prompt settings")),
    ("write", _words("write save put update edit modify append insert set upload add patch "
                     "move rename copy mkdir create store")),
    ("read", _words("read get view preview open load cat show fetch list ls find query select "
                    "describe inspect download retrieve lookup search recall")),
    # a document made from records (``generate_invoice_pdf``): last, so any other verb wins
    ("produce", _words("generate render export print draft format convert")),
)  # fmt: skip

_COMPOSE: MappingProxyType[tuple[str, str], str] = MappingProxyType(
    {
        ("fs", "read"): "fs:read",
        ("fs", "write"): "fs:write",
        ("fs", "spawn"): "fs:write",
        ("fs", "delete"): "fs:delete",
        ("email", "send"): "email:send",
        ("email", "read"): "email:read",
        ("message", "send"): "message:send",
        ("message", "read"): "message:read",
        ("db", "read"): "db:query",
        ("db", "write"): "db:write",
        ("db", "exec"): "db:query",
        ("db", "delete"): "db:admin",
        ("db", "spawn"): "db:admin",
        ("net", "send"): "net:http_post",
        ("net", "write"): "net:http_post",
        ("secrets", "write"): "secrets:write",
        ("secrets", "spawn"): "secrets:write",
        ("identity", "login"): "identity:login",
        ("identity", "spawn"): "identity:user_admin",
        ("identity", "delete"): "identity:user_admin",
        ("identity", "write"): "identity:privilege_change",
        ("identity", "read"): "identity:read",
        ("payment", "refund"): "payment:refund",
        ("payment", "produce"): "payment:read",
        ("payment", "read"): "payment:read",
        ("agent", "delegate"): "agent:delegate",
        ("agent", "config"): "agent:config",
        ("agent", "write"): "agent:config",
        ("memory", "write"): "memory:write",
        ("memory", "delete"): "memory:write",
        ("memory", "spawn"): "memory:write",
        ("browser", "exec"): "code:exec",
        ("browser", "read"): "browser:navigate",
        ("vcs", "read"): "vcs:read",
        ("vcs", "send"): "vcs:push",
        ("search", "read"): "search:web",
    }
)
_DEFAULT: MappingProxyType[str, str] = MappingProxyType(
    {
        "fs": "fs:read",
        "email": "email:send",
        "message": "message:send",
        "db": "db:query",
        "net": "net:http_get",
        "shell": "shell:exec",
        "code": "code:exec",
        "secrets": "secrets:read",
        "identity": "identity:privilege_change",
        "payment": "payment:transfer",
        "agent": "agent:spawn",
        "memory": "memory:read",
        "browser": "browser:interact",
        "search": "search:web",
        "vcs": "vcs:write",
        "llm": "agent:delegate",
    }
)
_VERB_ONLY: MappingProxyType[str, str] = MappingProxyType(
    {"login": "identity:login", "transfer": "payment:transfer", "refund": "payment:refund"}
)


def name_type(tool: str) -> str | None:
    """The action type a tool name implies, or ``None`` when the name says nothing."""
    words = name_words(tool)
    if not words:
        return None
    trimmed = words[:-1] if len(words) > 1 and words[-1] in ("tool", "run", "results") else words
    for candidate in ("".join(trimmed), "".join(words)):
        hit = _EXACT.get(candidate)
        if hit is not None:
            return hit
    found = set(words)
    verb = _verb(words)
    if found & _CREDENTIAL_NOUNS and found & _CREDENTIAL_KINDS:
        # ``create_api_token``, ``get_access_key``: a credential, not an API call or a file
        return (_COMPOSE.get(("secrets", verb)) if verb else None) or _DEFAULT["secrets"]
    if found & _OWN_SETTINGS and not found & _PRIVILEGE_WORDS and verb in ("write", "config"):
        # ``set_user_preference``: a user's own settings, no privilege; what the arguments
        # carry is read as for any unknown tool that keeps records
        return UNKNOWN_WRITE
    if name_uses_key(tool):
        # ``kms_encrypt``, ``vault_sign``: a key service uses a key it keeps and returns a
        # ciphertext or signature; the key is never shown, so this reads no credential
        return UNKNOWN_WRITE
    for category, objects in _objects(found):
        if found & objects:
            composed = _COMPOSE.get((category, verb)) if verb else None
            if composed == "identity:read" and not found.isdisjoint(_GUARDED_WORDS):
                composed = "identity:user_admin"  # ``get_auth_token``: no mere profile read
            return composed or _DEFAULT[category]
    if verb is not None:
        return _VERB_ONLY.get(verb)
    return None


# Words that are verbs and also nouns for what a service keeps (a workflow *run*, a *charge*,
# an *order*, a *post*): after a name's first word that only looks (``get_workflow_run``,
# ``stripe_get_charge``, ``list_payouts``) they name the object looked at, not an act.
_NOUN_VERBS = _words("run runs charge charges transfer transfers payout payouts post posts "
                     "push pushes release releases order orders share shares reply replies "
                     "refund refunds wire wires invocation invocations")  # fmt: skip
_READ_VERBS = next(ws for verb, ws in _VERBS if verb == "read")


def _verb(words: tuple[str, ...]) -> str | None:
    """The verb of a name: the strongest verb group among its words, except that a name led
    by a looking verb whose other verb words all double as nouns reads (``get_charge``: the
    charge is what is read). Tool names put the verb first; a later verb word with no
    conjunction is its object."""
    found = set(words)
    looked = _looking_lead(words)
    if looked:
        return "read"
    return next((v for v, ws in _VERBS if found & ws), None)


def _looking_lead(words: tuple[str, ...]) -> bool:
    """Whether the first verb word of ``words`` only looks and every other verb word is a
    noun of :data:`_NOUN_VERBS` (``get_workflow_run``; not ``get_and_run``, ``fetch_exec``)."""
    lead = next((i for i, w in enumerate(words) if w in _ALL_VERB_WORDS), None)
    if lead is None or words[lead] not in _LOOK_WORDS:
        return False
    rest = [w for w in words[lead + 1 :] if w in _ALL_VERB_WORDS and w not in _LOOK_WORDS]
    return bool(rest) and all(w in _NOUN_VERBS for w in rest) and "and" not in words


# Names of database stores: a ``redis_command`` or ``mongo_shell`` sends commands to the store,
# not to a system shell, so the store decides the category over "command" or "shell".
_STORE_WORDS = _words("redis valkey keydb mongo mongodb mongosh postgres postgresql psql mysql "
                      "mariadb sqlite mssql sqlserver clickhouse duckdb snowflake bigquery "
                      "cassandra cql neo4j cypher memcached")  # fmt: skip


def _objects(found: set[str]) -> tuple[tuple[str, frozenset[str]], ...]:
    """:data:`_OBJECTS` in the order a name's words are tried: a database store first when
    the name names one (``redis_command``, ``psql_exec``)."""
    if found & _STORE_WORDS:
        return _DB_FIRST
    return _OBJECTS


@functools.lru_cache(maxsize=1024)
def name_uses_key(tool: str) -> bool:
    """Whether a name says a key service uses a key it keeps (``kms_encrypt``,
    ``vault_sign``): it returns a ciphertext or signature, never the key."""
    found = set(name_words(tool))
    return bool(found & _KEY_USE and found & _SECRET_OBJECTS and found.isdisjoint(_KEY_REVEAL))


# Uses of a key that a key service keeps (it returns a ciphertext, signature or digest, never
# the key), as opposed to what hands out a secret (decrypt, unwrap, export...).
_KEY_USE = _words("encrypt sign verify hmac digest")
_KEY_REVEAL = _words("decrypt unwrap export reveal show print dump get read fetch retrieve "
                     "list copy backup unseal seal rotate delete create")  # fmt: skip
_SECRET_OBJECTS = next(ws for category, ws in _OBJECTS if category == "secrets")
# A token or key of a kind that unlocks an API (``api_token``, ``access_key``; an auth token
# is a login, below), not a language model's tokens (``count_tokens``) or a dict's keys.
_CREDENTIAL_NOUNS = _words("token tokens key keys")
_CREDENTIAL_KINDS = _words("api access bearer refresh personal deploy service pat "
                           "ssh signing")  # fmt: skip
# A user's own settings (``set_user_preference``) as opposed to who may do what.
_OWN_SETTINGS = _words("profile preference preferences theme notification notifications locale "
                       "timezone language avatar")  # fmt: skip
_PRIVILEGE_WORDS = _words("role roles permission permissions group groups iam privilege "
                          "privileges sudo admin acl sudoers")  # fmt: skip
# What unlocks something: a name that reads one of these reads a credential, not data.
_GUARDED_WORDS = _words("token tokens jwt cookie cookies session sessions otp mfa totp key keys "
                        "cert certs certificate private ssh pgp gpg auth login signin "
                        "authenticate logon")  # fmt: skip
# Verbs that only look (``read``'s group without ``open``, ``load`` and ``download``, which
# may change or store something), and verbs of pure functions of their input (summarize,
# translate, calculate...).
_LOOK_WORDS = _words("read get view preview show fetch list ls find query select describe "
                     "inspect retrieve lookup search recall count summarize summarise "
                     "translate calculate compute estimate classify analyze analyse compare "
                     "explain parse validate extract detect encrypt sign verify hash hmac "
                     "digest checksum check spellcheck proofread lint")  # fmt: skip
_OTHER_VERBS = frozenset(w for verb, ws in _VERBS if verb != "read" for w in ws)
_ALL_VERB_WORDS = frozenset(w for _verb_name, ws in _VERBS for w in ws) | _LOOK_WORDS
_DB_FIRST = tuple(sorted(_OBJECTS, key=lambda entry: entry[0] != "db"))


@functools.lru_cache(maxsize=1024)
def name_reads_only(tool: str) -> bool:
    """Whether a name's words say it only looks (``get_weather``, ``lookup_order``,
    ``list_shipments``): a looking verb, no verb that does anything else, and nothing it
    would look at that unlocks something (``get_token``, ``fetch_session_cookie``)."""
    ordered = name_words(tool)
    words = set(ordered)
    return (
        bool(words & _LOOK_WORDS)
        and (words.isdisjoint(_OTHER_VERBS) or _looking_lead(ordered))
        and words.isdisjoint(_GUARDED_WORDS)
    )


# Verbs that make or change a record, document or artefact the tool keeps for its user (a
# calendar event, a spreadsheet cell, a CRM field, an image, an archive)...
_KEEP_WORDS = _words("create add update edit set write save export generate render draw convert "
                     "format compress zip archive schedule reschedule draft tag label rename "
                     "resize crop annotate insert append record log note mark")  # fmt: skip
# Verbs that name what they make (an archive), so a name of that word alone says what it keeps
_SELF_NAMED = _words("zip compress archive")
# Keep verbs that are also the nouns of what is kept: after another keep verb they name the
# record (``save_note``, ``add_tag``, ``create_label``), so the name says what it keeps.
_KEPT_NOUNS = _words("note notes tag tags label labels log logs record records draft drafts "
                     "schedule")  # fmt: skip
# ...and words that make a name consequential whatever else it says: it destroys, runs,
# installs or deploys, sends or publishes, moves money, connects or logs in, grants, acts in
# bulk, or touches a credential, an identity, a configuration or production systems.
_CONSEQUENTIAL_WORDS = _words(
    "delete remove rm unlink drop destroy purge erase wipe trash truncate clear reset revoke "
    "grant deny kill terminate stop halt shutdown reboot restart suspend disable enable "
    "deploy apply install uninstall upgrade provision rollback migrate scale release promote "
    "merge approve exec execute run eval invoke launch start spawn call trigger shell cmd "
    "send post publish share forward notify invite broadcast email mail message sms push "
    "upload sync transfer pay charge refund withdraw payout wire buy sell order purchase book "
    "connect login signin auth authenticate ssh sudo su impersonate bulk mass batch all "
    "everyone secret secrets vault credential credentials password token tokens key keys "
    "apikey cert certificate kms user users role roles permission permissions policy "
    "policies iam acl group groups admin account accounts env environment config "
    "configuration settings firewall dns network cluster prod production infra "
    "infrastructure server servers instance instances vm container containers database db "
    "backup backups cron job jobs hook hooks webhook workflow pipeline agent prompt "
    "instructions system"
)  # fmt: skip


@functools.lru_cache(maxsize=1024)
def name_keeps_records(tool: str) -> bool:
    """Whether a name says the tool makes or changes an ordinary record of its own
    (``calendar_create``, ``spreadsheet_write``, ``crm_update``, ``figma_export``, ``zip``)
    and nothing consequential: no verb that destroys, runs, deploys, sends, pays, connects or
    grants, and no object that is a credential, an identity, a configuration, a production
    system or bulk. The name cannot prove the tool harmless; it says the call is ordinary
    work when its arguments show nothing more (see the taxonomy's ``unknown:write``)."""
    ordered = name_words(tool)
    words = set(ordered)
    return (
        bool(words & _KEEP_WORDS)
        # a bare verb (``add``, ``set``, ``update``) names nothing it keeps: it may do anything
        and (
            bool(words - _KEEP_WORDS)
            or words <= _SELF_NAMED
            or (len(ordered) > 1 and ordered[-1] in _KEPT_NOUNS)
        )
        and words.isdisjoint(_CONSEQUENTIAL_WORDS)
        and words.isdisjoint(_GUARDED_WORDS)
    )


FILE_VERBS: MappingProxyType[str, str] = MappingProxyType(
    {"read": "fs:read", "write": "fs:write", "delete": "fs:delete", "list": "fs:list"}
)
"""What a bare verb name (``read``, ``open``, ``cat``, ``save``, ``remove``) does to a file
it is given: the type when a path-shaped argument shows the object is a file."""
_LIST_WORDS = _words("list ls dir tree glob walk")
# A content delivery network's cached copies (``purge_cdn``, ``cloudfront_invalidate``): its
# paths and zones are remote cache entries that refill from the origin, never local files.
_EDGE_WORDS = _words("cdn cloudfront fastly akamai")


def name_verb(tool: str) -> str | None:
    """The action word of a name that names no object (``read``, ``open``, ``cat``,
    ``save``, ``ls``): ``read``, ``write``, ``delete``, ``list`` or ``None``. The arguments
    then say what the object is (a path makes it a file operation)."""
    found = set(name_words(tool))
    if not found or len(found) > 3 or found & _EDGE_WORDS:
        return None
    if found & _LIST_WORDS:
        return "list"
    for verb, words in _VERBS:
        if found & words and verb in FILE_VERBS:
            return verb
    return None


_LANGUAGE_WORDS: MappingProxyType[str, str] = MappingProxyType(
    {"node": "javascript", "nodejs": "javascript", "js": "javascript", "javascript": "javascript",
     "deno": "javascript", "bun": "javascript", "typescript": "javascript", "ts": "javascript",
     "perl": "perl", "ruby": "ruby", "php": "php", "lua": "lua", "powershell": "powershell",
     "pwsh": "powershell", "ps1": "powershell", "go": "go", "golang": "go", "rust": "rust",
     "java": "java", "kotlin": "java", "csharp": "csharp", "dotnet": "csharp",
     "browser": "javascript", "puppeteer": "javascript", "playwright": "javascript",
     "selenium": "javascript", "r": "r", "rscript": "r", "groovy": "java",
     "scala": "java", "swift": "swift", "julia": "julia", "elixir": "elixir", "tcl": "tcl"}
)  # fmt: skip


@functools.lru_cache(maxsize=1024)
def name_language(tool: str) -> str:
    """The language a code tool's name says it runs (``node_eval``: ``javascript``), or
    ``auto`` when it names none. Code in a JavaScript, Perl or Ruby tool that also happens
    to parse as Python (``require('child_process').execSync('rm -rf /')``) is read as what
    the tool runs, not as harmless Python."""
    for word in name_words(tool):
        language = _LANGUAGE_WORDS.get(word)
        if language is not None:
            return language
    return "auto"


@functools.lru_cache(maxsize=1024)
def name_executes(tool: str) -> bool:
    """Whether a name's verb says it runs what it is given (``sandbox_exec``,
    ``run_in_container``): with no object word, the arguments say what it runs."""
    exec_words = next(ws for verb, ws in _VERBS if verb == "exec")
    return not exec_words.isdisjoint(name_words(tool))


# Words naming a place where commands run: a tool called so hosts a shell or interpreter
_COMMAND_HOSTS = frozenset(
    {"shell", "sh", "bash", "zsh", "terminal", "term", "console", "cli", "cmd", "box",
     "devbox", "sandbox", "container", "repl", "runner", "ops", "devops", "workspace",
     "workbench", "vm", "machine", "host", "server", "kernel", "notebook", "env", "dev"}
)  # fmt: skip


@functools.lru_cache(maxsize=1024)
def name_hosts_commands(tool: str) -> bool:
    """Whether a name says the tool is a place where commands run (``devbox``,
    ``ops_tool``, ``console``): a command line it is given is what it runs. Other unknown
    tools (``nuke_prod``) may do anything besides, whatever argument looks like a command."""
    words = name_words(tool)
    return not _COMMAND_HOSTS.isdisjoint(words) or any(w.endswith("box") for w in words)


# A name that runs something on another machine: a remote-shell word with a word of running
# or of a session (``ssh_exec``, ``remote_run_command``, ``ssh_connect``), or ``ssh`` alone.
# Not ``add_ssh_key`` or ``git_remote_add``: keys and repository remotes run nothing.
_REMOTE_WORDS = _words("ssh remote mosh rsh rexec winrm psexec")
_SESSION_WORDS = _words("exec execute run eval invoke connect session shell command cmd "
                        "terminal login console")  # fmt: skip


@functools.lru_cache(maxsize=1024)
def name_runs_remote(tool: str) -> bool:
    """Whether the tool runs commands or opens a shell on another machine: classified as
    ``shell:exec`` tagged ``remote_exec`` like ``ssh host cmd`` in a shell, with the command
    it is given read as if it ran here."""
    words = name_words(tool)
    found = set(words)
    if found.isdisjoint(_REMOTE_WORDS):
        return False
    return words == ("ssh",) or not found.isdisjoint(_SESSION_WORDS)


_PUBLISHING = frozenset(
    {"createissue", "updateissue", "addissuecomment", "createpullrequest", "updatepullrequest",
     "createpullrequestreview", "addpullrequestreviewcomment", "createorupdatefile",
     "creategist", "updategist", "createcomment", "postcomment", "addcomment",
     "commentonissue", "createrelease", "createwikipage", "updatewikipage", "creatediscussion",
     "addcommenttopendingreview"}
)  # fmt: skip
_PUBLISHED_OBJECTS = frozenset({"issue", "issues", "comment", "gist", "pullrequest", "pr",
                                "wiki", "discussion", "release"})  # fmt: skip
_PUBLISH_VERBS = frozenset({"create", "add", "post", "update", "open", "publish", "reply"})


@functools.lru_cache(maxsize=1024)
def name_publishes(tool: str) -> bool:
    """Whether the tool puts what it is given where others read it (an issue, a comment, a
    pull request, a gist): not a message type, but data in it leaves the agent's hands, so a
    secret read earlier in the session and published there is exfiltration."""
    if compact_name(tool) in _PUBLISHING:
        return True
    words = set(name_words(tool))
    return bool(words & _PUBLISHED_OBJECTS) and bool(words & _PUBLISH_VERBS)
