"""Competency certification: decisions, certificates and a tamper-evident registry.

A trainee is certified when every competency reaches its pass mark (non-compensatory),
no critical item failed, and the observed procedures the framework requires were
seen at the required entrustment level. Every observation, standard setting,
decision, certificate and revocation is appended to a hash-chained registry
(``registry``), so a later edit, insertion or deletion is detected by ``verify``.

Modules, one job each: ``framework`` (the knowledge-base rules), ``dates``,
``chain`` (record hashes), ``registry`` (storage and locking), ``gradebook``
(scores from nbgrader), ``standard_setting`` (modified Angoff), ``decide``
(the decision), ``history`` (a trainee's records, certificate status),
``certificates`` (PDF and HTML), ``exports`` (HR and LMS CSV) and ``commands``
(the ``mesocourse`` sub-commands).
"""
