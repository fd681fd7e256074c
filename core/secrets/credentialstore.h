// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QObject>
#include <QString>

namespace gatehouse::secrets {

/// API keys and tokens, kept in the OS keychain only (Secret Service on Linux, Keychain on
/// macOS) through QtKeychain. There is no plaintext fallback: when no keychain is available,
/// operations fail with noKeychain set and nothing is written anywhere.
///
/// Every operation is asynchronous and ends in exactly one of its finished signals or failed().
/// Values are never logged.
class CredentialStore final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CredentialStore)

public:
    /// The keychain entry of the Anthropic API key.
    static QString anthropicApiKey() { return QStringLiteral("anthropic-api-key"); }

    enum class Operation { Read, Write, Remove };
    Q_ENUM(Operation)

    /// @p service groups Gatehouse's entries in the keychain.
    explicit CredentialStore(QString service = QStringLiteral("dev.gatehouse.Gatehouse"),
                             QObject *parent = nullptr);
    ~CredentialStore() override;

    QString service() const { return m_service; }

    /// Whether a secure keychain backend answers on this system right now.
    static bool isKeychainAvailable();

    void read(const QString &key);
    void write(const QString &key, const QString &value);
    void remove(const QString &key);

Q_SIGNALS:
    void readFinished(const QString &key, const QString &value);
    /// read() found no entry under @p key: an ordinary outcome, not a failure.
    void notFound(const QString &key);
    void writeFinished(const QString &key);
    void removeFinished(const QString &key);
    /// @p noKeychain: the failure is that no keychain is available at all.
    void failed(gatehouse::secrets::CredentialStore::Operation operation, const QString &key,
                const QString &message, bool noKeychain);

private:
    bool refuseWithoutKeychain(Operation operation, const QString &key);

    QString m_service;
};

} // namespace gatehouse::secrets
