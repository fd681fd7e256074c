// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

/// Where Gatehouse keeps its files (ARCHITECTURE.md, "Files on disk"). Follows the XDG base
/// directory variables, so tests point everything at temporary folders by setting them.
namespace gatehouse::paths {

/// User settings and trust: $GATEHOUSE_CONFIG_DIR, else $XDG_CONFIG_HOME/gatehouse, else ~/.config/gatehouse.
QString configDir();
/// Transcripts and checkpoints: $XDG_DATA_HOME/gatehouse, else ~/.local/share/gatehouse.
QString dataDir();
/// Logs and the audit log: $XDG_STATE_HOME/gatehouse, else ~/.local/state/gatehouse.
QString stateDir();
/// The program's own rotating log: stateDir()/log.
QString logDir();
/// The sandbox's staging folders and private package caches: $XDG_CACHE_HOME/gatehouse, else ~/.cache/gatehouse.
QString cacheDir();
/// Managed (organisation) settings: $GATEHOUSE_MANAGED_DIR, else /etc/gatehouse.
QString managedDir();

} // namespace gatehouse::paths
