// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "agent/modelclient.h"

#include <QSignalSpy>

namespace gatehouse::test {

/// Every signal of a client, recorded.
struct ClientSpies
{
    explicit ClientSpies(agent::ModelClient *client);

    QSignalSpy finished;
    QSignalSpy failed;
    QSignalSpy text;
    QSignalSpy toolUse;
    QSignalSpy retrying;

    int outcomes() const { return int(finished.count() + failed.count()); }
    agent::ModelReply reply(int i = 0) const;
    agent::ModelError error(int i = 0) const;
    QString streamedText() const;
};

} // namespace gatehouse::test
