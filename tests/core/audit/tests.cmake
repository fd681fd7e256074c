# SPDX-License-Identifier: GPL-3.0-or-later
# The audit log, secret redaction, transcripts, and the `gatehouse audit` verb.
gatehouse_add_test(NAME core.audit.log
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_auditlog.cpp ${CMAKE_CURRENT_LIST_DIR}/auditlogsupport.h
    LIBRARIES Gatehouse::Core gatehouse_testsupport LABELS core audit)
gatehouse_add_test(NAME core.audit.redact SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_redact.cpp
    LIBRARIES Gatehouse::Core gatehouse_testsupport LABELS core audit)
gatehouse_add_test(NAME core.audit.transcript SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_transcript.cpp
    LIBRARIES Gatehouse::Core gatehouse_testsupport LABELS core audit)
# The verb, run as the real binary.
gatehouse_add_test(NAME app.audit SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_auditverb.cpp
    LIBRARIES gatehouse_testsupport LABELS app audit trust
    DEFINITIONS GATEHOUSE_BINARY="$<TARGET_FILE:gatehouse>")
add_dependencies(tst_auditverb gatehouse)
