# SPDX-License-Identifier: GPL-3.0-or-later
# The audit log, secret redaction and the transcripts (included from core/CMakeLists.txt). The
# transcript sources live with the agent (core/agent) but are listed here.
target_sources(gatehouse_core PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/auditevents.cpp ${CMAKE_CURRENT_LIST_DIR}/auditevents.h
    ${CMAKE_CURRENT_LIST_DIR}/auditline.cpp ${CMAKE_CURRENT_LIST_DIR}/auditline_p.h
    ${CMAKE_CURRENT_LIST_DIR}/auditlog.cpp ${CMAKE_CURRENT_LIST_DIR}/auditlog.h
    ${CMAKE_CURRENT_LIST_DIR}/auditverify.cpp
    ${CMAKE_CURRENT_LIST_DIR}/redact.cpp ${CMAKE_CURRENT_LIST_DIR}/redact.h
)
target_sources(gatehouse_core PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/../agent/transcript.cpp ${CMAKE_CURRENT_LIST_DIR}/../agent/transcript.h
)
