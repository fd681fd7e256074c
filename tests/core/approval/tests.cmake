# SPDX-License-Identifier: GPL-3.0-or-later
gatehouse_add_test(NAME core.approval.ruleproposal SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_ruleproposal.cpp
    LIBRARIES Gatehouse::Core gatehouse_testsupport LABELS core approval)
gatehouse_add_test(NAME core.approval.broker SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_approvalbroker.cpp
    LIBRARIES Gatehouse::Core gatehouse_testsupport LABELS core approval)
gatehouse_add_test(NAME core.approval.rulewriter SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_rulewriter.cpp
    LIBRARIES Gatehouse::Core gatehouse_testsupport LABELS core approval trust)
