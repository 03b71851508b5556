"""Competency certification: decisions, certificates and a tamper-evident registry.

A trainee is certified when every competency reaches its pass mark (non-compensatory),
no critical item failed, and the observed procedures the framework requires were
seen at the required entrustment level. Every observation, standard setting,
decision, certificate and revocation is appended to a hash-chained registry, so a
later edit, insertion or deletion is detected by ``mesocourse verify --registry``.

Modules, one job each: ``dates``; ``chain`` (record hashes, chain check,
verification codes); ``registry`` (storage and locking); ``gradebook`` (scores
from nbgrader); ``items`` (the course's tagged grade cells); ``standard_setting``
(fixed marks and modified Angoff); ``decide`` (the decision); ``history`` (what
the records say: observations, certificate status); ``certificates`` (PDF and
HTML, with a QR code from ``qr``); ``exports`` (HR and LMS CSV); ``observation``
(recording observed practice); ``revocation`` (revoking a certificate); ``bulk`` (the
registry read once per run, kept current under each trainee's lock); ``cohort_certification``
(``certify_cohort``: every trainee decided and recorded, outcomes returned); ``keys``
(the issuer's signing keys and published profile); ``checkpoints`` (signed registry
heads); ``credentials`` (Open Badges 3.0 credentials); ``statuslist`` (signed
revocation list); ``issuing`` (what ``certify_cohort`` and ``revoke`` publish);
``offline`` (verifying a credential without the registry); ``standing`` (where each
trainee stands, for the clinic manager); ``refresh`` (the competencies to refresh
first, per staff member and for the clinic); ``cli`` (the
``mesocourse`` sub-commands: options in, API called, outcomes printed)::

    mesocourse standard-set --angoff ratings.csv --course DIR
    mesocourse observe t01 --procedure facial_session --assessor "Dr Ruiz" --entrustment 3 --date 2025-05-02
    mesocourse certify --course DIR
    mesocourse verify MC-2025-7KQ2M9XH --code ABCD-EFGH-JKLM
    mesocourse verify --registry
    mesocourse expiring --within 60d
    mesocourse revoke MC-2025-7KQ2M9XH --reason "..."
    mesocourse certification-export --format canvas --out canvas.csv
    mesocourse keys init --course DIR --name "Clinic" --url https://clinic.example --email certs@clinic.example
    mesocourse registry checkpoint --witness DIR
    mesocourse verify --credential MC-2025-7KQ2M9XH.jwt --issuer-keys jwks.json --status-list status-list.jwt
    mesocourse verify --registry --checkpoint witness/checkpoint-000014.jwt

The framework (validity, recertification, entrustment scale, observed procedures,
restrictions) is ``course/knowledge/data/certification.yaml``.
"""
