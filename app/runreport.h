// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

namespace gatehouse::sandbox {
class SandboxProcess;
}

namespace gatehouse::app {

/// After `gatehouse run`: lists on stderr what the command's staged writes did that needs the
/// person's eye (held changes, conflicts, errors), and lands the held ones when @p landHeld,
/// else discards them. Returns false when something could not be landed.
bool reportStaging(sandbox::SandboxProcess &process, bool landHeld);

} // namespace gatehouse::app
