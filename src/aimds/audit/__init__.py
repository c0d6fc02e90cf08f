"""Evidence: the hash-chained audit log, its verification, OCSF security events, sinks and
metrics.

Heavy or optional pieces (PostgreSQL, ``cryptography``, ``prometheus-client``) load only
when used.
"""

from aimds.audit.chain import ChainProblem, ChainReport, Checkpoint, StoredRecord
from aimds.audit.checkpoints import Ed25519Signer, HmacSigner, UnsignedSigner
from aimds.audit.log import AuditLog, RecordResult, RecordStatus
from aimds.audit.metrics import Metrics, NoopMetrics, create_metrics
from aimds.audit.records import Masker
from aimds.audit.sinks import JsonlSink, StdoutSink, WebhookSink
from aimds.audit.store import AuditStore, Query, open_store
from aimds.audit.verify import VerifyResult, verify_store

__all__ = [
    "AuditLog",
    "AuditStore",
    "ChainProblem",
    "ChainReport",
    "Checkpoint",
    "Ed25519Signer",
    "HmacSigner",
    "JsonlSink",
    "Masker",
    "Metrics",
    "NoopMetrics",
    "Query",
    "RecordResult",
    "RecordStatus",
    "StdoutSink",
    "StoredRecord",
    "UnsignedSigner",
    "VerifyResult",
    "WebhookSink",
    "create_metrics",
    "open_store",
    "verify_store",
]
