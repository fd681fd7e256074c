# SPDX-License-Identifier: GPL-3.0-or-later
gatehouse_add_test(NAME core.agent.htmltext SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_htmltext.cpp
    LIBRARIES Gatehouse::Core gatehouse_testsupport LABELS core agent)
# The loop with the broker, a replayed model and the real sandbox.
gatehouse_add_test(NAME core.agent.session SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_agentsession.cpp
    LIBRARIES Gatehouse::Core gatehouse_testsupport LABELS core agent sandbox
    ENVIRONMENT "GATEHOUSE_SANDBOX_HELPER=$<TARGET_FILE:gatehouse-sandbox-helper>")
add_dependencies(tst_agentsession gatehouse-sandbox-helper)
