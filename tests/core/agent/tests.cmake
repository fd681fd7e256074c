# SPDX-License-Identifier: GPL-3.0-or-later
gatehouse_add_test(NAME core.agent.htmltext SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_htmltext.cpp
    LIBRARIES Gatehouse::Core gatehouse_testsupport LABELS core agent)
