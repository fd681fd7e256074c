// SPDX-License-Identifier: GPL-3.0-or-later
#include "secrets/credentialstore.h"

#include "log/logging.h"
#include "log/qtformat.h"

#include <qt6keychain/keychain.h>

#include <QTimer>
#if defined(Q_OS_UNIX) && !defined(Q_OS_DARWIN)
#include <QDBusConnection>
#include <QDBusConnectionInterface>
#include <QDBusReply>
#endif

namespace gatehouse::secrets {
namespace {

QString describe(QKeychain::Error error, const QString &detail)
{
    switch (error) {
    case QKeychain::NoBackendAvailable:
        return QStringLiteral("no keychain is available (%1)").arg(detail);
    case QKeychain::AccessDeniedByUser:
        return QStringLiteral("access to the keychain was refused");
    case QKeychain::AccessDenied:
        return QStringLiteral("access to the keychain was denied (%1)").arg(detail);
    default:
        return detail;
    }
}

const char *operationName(CredentialStore::Operation operation)
{
    switch (operation) {
    case CredentialStore::Operation::Read:
        return "read";
    case CredentialStore::Operation::Write:
        return "write";
    case CredentialStore::Operation::Remove:
        return "remove";
    }
    return "?";
}

} // namespace

CredentialStore::CredentialStore(QString service, QObject *parent)
    : QObject(parent)
    , m_service(std::move(service))
{
}

CredentialStore::~CredentialStore() = default;

bool CredentialStore::isKeychainAvailable()
{
    if (!QKeychain::isAvailable())
        return false;
#if defined(Q_OS_UNIX) && !defined(Q_OS_DARWIN)
    // QtKeychain only knows whether libsecret could be loaded; whether a Secret Service (or
    // KWallet) answers on the session bus is what decides if anything can be stored.
    const QDBusConnection bus = QDBusConnection::sessionBus();
    if (!bus.isConnected() || !bus.interface())
        return false;
    const QStringList services{QStringLiteral("org.freedesktop.secrets"), QStringLiteral("org.kde.kwalletd6"),
                               QStringLiteral("org.kde.kwalletd5")};
    for (const QString &service : services)
        if (bus.interface()->isServiceRegistered(service))
            return true;
    const QDBusReply<QStringList> activatable = bus.interface()->activatableServiceNames();
    if (activatable.isValid())
        for (const QString &service : services)
            if (activatable.value().contains(service))
                return true;
    return false;
#else
    return true;
#endif
}

bool CredentialStore::refuseWithoutKeychain(Operation operation, const QString &key)
{
    if (isKeychainAvailable())
        return false;
    log::logger("secrets")->warn("keychain {} of entry '{}' refused: no keychain is available", operationName(operation), key);
    // Asynchronous like every other outcome, so callers handle one path.
    QTimer::singleShot(0, this, [this, operation, key] {
        Q_EMIT failed(operation, key, QStringLiteral("no keychain is available (no Secret Service on the session bus)"),
                      true);
    });
    return true;
}

template<typename Job, typename OnSuccess>
static void runJob(CredentialStore *store, CredentialStore::Operation operation, Job *job,
                   const QString &key, OnSuccess onSuccess)
{
    // Secrets go to the keychain or nowhere (STYLE.md: never an insecure fallback).
    job->setInsecureFallback(false);
    job->setAutoDelete(true);
    job->setKey(key);
    QObject::connect(job, &QKeychain::Job::finished, store, [store, operation, key, onSuccess](QKeychain::Job *done) {
        const QKeychain::Error error = done->error();
        if (error == QKeychain::NoError) {
            onSuccess(done);
            return;
        }
        if (operation == CredentialStore::Operation::Read && error == QKeychain::EntryNotFound) {
            Q_EMIT store->notFound(key);
            return;
        }
        if (operation == CredentialStore::Operation::Remove && error == QKeychain::EntryNotFound) {
            Q_EMIT store->removeFinished(key); // already gone: what the caller wanted
            return;
        }
        const QString message = describe(error, done->errorString());
        log::logger("secrets")->warn("keychain {} of entry '{}' failed: {}", operationName(operation), key, message);
        Q_EMIT store->failed(operation, key, message, error == QKeychain::NoBackendAvailable);
    });
    job->start();
}

void CredentialStore::read(const QString &key)
{
    if (refuseWithoutKeychain(Operation::Read, key))
        return;
    auto *job = new QKeychain::ReadPasswordJob(m_service, this);
    runJob(this, Operation::Read, job, key, [this, key](QKeychain::Job *done) {
        Q_EMIT readFinished(key, qobject_cast<QKeychain::ReadPasswordJob *>(done)->textData());
    });
}

void CredentialStore::write(const QString &key, const QString &value)
{
    if (refuseWithoutKeychain(Operation::Write, key))
        return;
    auto *job = new QKeychain::WritePasswordJob(m_service, this);
    job->setTextData(value);
    runJob(this, Operation::Write, job, key, [this, key](QKeychain::Job *) {
        log::logger("secrets")->info("stored keychain entry '{}'", key);
        Q_EMIT writeFinished(key);
    });
}

void CredentialStore::remove(const QString &key)
{
    if (refuseWithoutKeychain(Operation::Remove, key))
        return;
    auto *job = new QKeychain::DeletePasswordJob(m_service, this);
    runJob(this, Operation::Remove, job, key, [this, key](QKeychain::Job *) {
        log::logger("secrets")->info("removed keychain entry '{}'", key);
        Q_EMIT removeFinished(key);
    });
}

} // namespace gatehouse::secrets
