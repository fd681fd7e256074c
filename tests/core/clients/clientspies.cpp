// SPDX-License-Identifier: GPL-3.0-or-later
#include "clientspies.h"

using namespace gatehouse::agent;

namespace gatehouse::test {

ClientSpies::ClientSpies(ModelClient *client)
    : finished(client, &ModelClient::replyFinished)
    , failed(client, &ModelClient::replyFailed)
    , text(client, &ModelClient::textDelta)
    , toolUse(client, &ModelClient::toolUseStarted)
    , retrying(client, &ModelClient::retrying)
{
}

ModelReply ClientSpies::reply(int i) const
{
    return finished.at(i).at(0).value<ModelReply>();
}

ModelError ClientSpies::error(int i) const
{
    return failed.at(i).at(0).value<ModelError>();
}

QString ClientSpies::streamedText() const
{
    QString joined;
    for (const QList<QVariant> &arguments : text)
        joined += arguments.at(0).toString();
    return joined;
}

} // namespace gatehouse::test
