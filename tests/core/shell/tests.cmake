# SPDX-License-Identifier: GPL-3.0-or-later
gatehouse_add_test(NAME core.shell.parser SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_shellparser.cpp
    LIBRARIES Gatehouse::Core gatehouse_testsupport LABELS core shell)
gatehouse_add_test(NAME core.shell.bashdiff SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_shelldiff.cpp
    LIBRARIES Gatehouse::Core gatehouse_testsupport LABELS core shell)
gatehouse_add_test(NAME core.shell.readers SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_shellreaders.cpp
    LIBRARIES Gatehouse::Core gatehouse_testsupport LABELS core shell)
gatehouse_add_test(NAME core.shell.awk SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_shellawk.cpp
    LIBRARIES Gatehouse::Core gatehouse_testsupport LABELS core shell)
gatehouse_add_test(NAME core.shell.writes SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_shellwrites.cpp
    LIBRARIES Gatehouse::Core gatehouse_testsupport LABELS core shell)
