# SPDX-License-Identifier: GPL-3.0-or-later
# The sandbox's staged writes: overlays, reading what a command changed, landing it.
target_sources(gatehouse_core PRIVATE
    sandbox/fallbackscan.cpp sandbox/fallbackscan.h
    sandbox/landing.cpp sandbox/landing.h
    sandbox/stagedchanges.cpp sandbox/stagedchanges.h
    sandbox/staging.cpp sandbox/staging.h
    vcs/hookspath.cpp vcs/hookspath.h
)
