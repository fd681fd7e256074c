<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE" sourcelanguage="en">
<context>
    <name>gatehouse::ui::AccountPage</name>
    <message>
        <source>&amp;Remove Key</source>
        <translation>Schlüssel &amp;entfernen</translation>
    </message>
    <message>
        <source>Gatehouse talks to the model with your Anthropic API key. The key is kept in the system keychain only: it is never written to a file or a log.</source>
        <translation>Gatehouse spricht mit Ihrem Anthropic-API-Schlüssel mit dem Modell. Der Schlüssel liegt nur im Schlüsselbund des Systems: Er wird nie in eine Datei oder ein Protokoll geschrieben.</translation>
    </message>
    <message>
        <source>Paste a key (sk-ant-…)</source>
        <translation>Schlüssel einfügen (sk-ant-…)</translation>
    </message>
    <message>
        <source>Anthropic API key:</source>
        <translation>Anthropic-API-Schlüssel:</translation>
    </message>
    <message>
        <source>Looking in the keychain…</source>
        <translation>Schlüsselbund wird durchsucht …</translation>
    </message>
    <message>
        <source>No key is stored. Without one, Gatehouse uses ANTHROPIC_API_KEY from the environment if it is set.</source>
        <translation>Es ist kein Schlüssel gespeichert. Ohne ihn verwendet Gatehouse ANTHROPIC_API_KEY aus der Umgebung, sofern gesetzt.</translation>
    </message>
    <message>
        <source>A key is stored in the system keychain.</source>
        <translation>Ein Schlüssel ist im Schlüsselbund des Systems gespeichert.</translation>
    </message>
    <message>
        <source>Talking to the keychain…</source>
        <translation>Verbindung zum Schlüsselbund …</translation>
    </message>
    <message>
        <source>No keychain is available on this system (on Linux: no Secret Service such as GNOME Keyring or KWallet is running). Gatehouse stores the key nowhere else; start a keychain, or set ANTHROPIC_API_KEY in the environment.</source>
        <translation>Auf diesem System ist kein Schlüsselbund verfügbar (unter Linux läuft kein Secret Service wie GNOME Keyring oder KWallet). Gatehouse speichert den Schlüssel nirgendwo sonst; starten Sie einen Schlüsselbund oder setzen Sie ANTHROPIC_API_KEY in der Umgebung.</translation>
    </message>
    <message>
        <source>The keychain reported an error: %1</source>
        <translation>Der Schlüsselbund meldet einen Fehler: %1</translation>
    </message>
    <message>
        <source>Re&amp;place Key</source>
        <translation>Schlüssel &amp;ersetzen</translation>
    </message>
    <message>
        <source>&amp;Save to Keychain</source>
        <translation>Im Schlüsselbund &amp;speichern</translation>
    </message>
</context>
<context>
    <name>gatehouse::ui::FileViewer</name>
    <message>
        <source>%1 is a folder.</source>
        <translation>%1 ist ein Ordner.</translation>
    </message>
    <message>
        <source>%1 is too large to show (%2 MiB; the limit is %3 MiB).</source>
        <translation>%1 ist zu groß für die Anzeige (%2 MiB; die Grenze liegt bei %3 MiB).</translation>
    </message>
    <message>
        <source>Cannot read %1: %2</source>
        <translation>%1 kann nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source>%1 is a binary file.</source>
        <translation>%1 ist eine Binärdatei.</translation>
    </message>
</context>
<context>
    <name>gatehouse::ui::MainWindow</name>
    <message>
        <source>%1 — Gatehouse</source>
        <translation>%1 — Gatehouse</translation>
    </message>
    <message>
        <source>Reading git status…</source>
        <translation>Git-Status wird gelesen …</translation>
    </message>
    <message>
        <source>Not a git repository</source>
        <translation>Kein Git-Repository</translation>
    </message>
    <message>
        <source>Git status could not be read</source>
        <translation>Der Git-Status konnte nicht gelesen werden</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <source>&amp;Open Folder…</source>
        <translation>Ordner ö&amp;ffnen …</translation>
    </message>
    <message>
        <source>&amp;Refresh Git Status</source>
        <translation>Git-Status &amp;aktualisieren</translation>
    </message>
    <message>
        <source>&amp;Close Window</source>
        <translation>Fenster &amp;schließen</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>&amp;Settings</source>
        <translation>&amp;Einstellungen</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>&amp;Einstellungen …</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <source>&amp;About Gatehouse</source>
        <translation>&amp;Über Gatehouse</translation>
    </message>
    <message>
        <source>About Gatehouse</source>
        <translation>Über Gatehouse</translation>
    </message>
    <message>
        <source>&lt;p&gt;&lt;b&gt;Gatehouse&lt;/b&gt; %1&lt;/p&gt;&lt;p&gt;Work with an AI coding agent where every action it takes passes a gate you can see and control.&lt;/p&gt;</source>
        <translation>&lt;p&gt;&lt;b&gt;Gatehouse&lt;/b&gt; %1&lt;/p&gt;&lt;p&gt;Arbeiten Sie mit einem KI-Programmieragenten, dessen Aktionen alle einen Kontrollpunkt passieren, den Sie sehen und steuern.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Conversation</source>
        <translation>Unterhaltung</translation>
    </message>
    <message>
        <source>The conversation with the agent will appear here.</source>
        <translation>Hier erscheint die Unterhaltung mit dem Agenten.</translation>
    </message>
    <message>
        <source>No model is connected yet.</source>
        <translation>Noch ist kein Modell verbunden.</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>Senden</translation>
    </message>
    <message>
        <source>Review</source>
        <translation>Prüfung</translation>
    </message>
    <message>
        <source>Choose a file to see it here.</source>
        <translation>Wählen Sie eine Datei, um sie hier zu sehen.</translation>
    </message>
    <message>
        <source>Approvals</source>
        <translation>Freigaben</translation>
    </message>
    <message>
        <source>Nothing is waiting for your answer.</source>
        <translation>Nichts wartet auf Ihre Antwort.</translation>
    </message>
    <message>
        <source>Gatehouse</source>
        <translation>Gatehouse</translation>
    </message>
    <message>
        <source>Open Folder</source>
        <translation>Ordner öffnen</translation>
    </message>
    <message>
        <source>Detached HEAD at %1</source>
        <translation>Losgelöster HEAD bei %1</translation>
    </message>
    <message>
        <source>Branch %1 (no commits yet)</source>
        <translation>Branch %1 (noch keine Commits)</translation>
    </message>
    <message>
        <source>Branch %1</source>
        <translation>Branch %1</translation>
    </message>
    <message>
        <source>, up to date with %1</source>
        <translation>, auf dem Stand von %1</translation>
    </message>
    <message>
        <source>, %1 ahead and %2 behind %3</source>
        <translation>, %1 voraus und %2 zurück gegenüber %3</translation>
    </message>
    <message>
        <source>No changes</source>
        <translation>Keine Änderungen</translation>
    </message>
    <message numerus="yes">
        <source>%n conflicted</source>
        <translation>
            <numerusform>%n im Konflikt</numerusform>
            <numerusform>%n im Konflikt</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n staged</source>
        <translation>
            <numerusform>%n vorgemerkt</numerusform>
            <numerusform>%n vorgemerkt</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n modified</source>
        <translation>
            <numerusform>%n geändert</numerusform>
            <numerusform>%n geändert</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n deleted</source>
        <translation>
            <numerusform>%n gelöscht</numerusform>
            <numerusform>%n gelöscht</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n untracked</source>
        <translation>
            <numerusform>%n nicht versioniert</numerusform>
            <numerusform>%n nicht versioniert</numerusform>
        </translation>
    </message>
    <message>
        <source>Restricted: the folder's configuration has errors</source>
        <translation>Eingeschränkt: Die Konfiguration des Ordners enthält Fehler</translation>
    </message>
    <message>
        <source>Trusted</source>
        <translation>Vertraut</translation>
    </message>
    <message>
        <source>The folder's own settings apply.</source>
        <translation>Die eigenen Einstellungen des Ordners gelten.</translation>
    </message>
    <message>
        <source>Restricted</source>
        <translation>Eingeschränkt</translation>
    </message>
    <message>
        <source>The folder's own settings that loosen anything are not applied; its deny and ask rules are.</source>
        <translation>Einstellungen des Ordners, die etwas lockern, gelten nicht; seine Verbots- und Nachfrageregeln gelten.</translation>
    </message>
    <message>
        <source>Settings error: every action asks until it is fixed</source>
        <translation>Fehler in den Einstellungen: Jede Aktion fragt nach, bis er behoben ist</translation>
    </message>
    <message numerus="yes">
        <source>%n settings warning(s)</source>
        <translation><numerusform>%n Warnung zu den Einstellungen</numerusform><numerusform>%n Warnungen zu den Einstellungen</numerusform></translation>
    </message>
</context>
<context>
    <name>gatehouse::ui::SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <source>Account</source>
        <translation>Konto</translation>
    </message>
</context>
<context>
    <name>gatehouse::ui::TrustDialog</name>
    <message>
        <source>Trust this folder?</source>
        <translation>Diesem Ordner vertrauen?</translation>
    </message>
    <message>
        <source>What the configuration of %1 grants has changed since you trusted it.</source>
        <translation>Was die Konfiguration von %1 erlaubt, hat sich geändert, seit Sie dem Ordner vertraut haben.</translation>
    </message>
    <message>
        <source>You are opening %1 for the first time.</source>
        <translation>Sie öffnen %1 zum ersten Mal.</translation>
    </message>
    <message>
        <source>Its own configuration grants nothing beyond your settings.</source>
        <translation>Seine eigene Konfiguration erlaubt nichts über Ihre Einstellungen hinaus.</translation>
    </message>
    <message>
        <source>A folder's configuration is written by whoever wrote the repository. Trusting it lets it:</source>
        <translation>Die Konfiguration eines Ordners stammt von dem, der das Repository geschrieben hat. Wenn Sie ihm vertrauen, darf sie:</translation>
    </message>
    <message>
        <source>Opened restricted, none of this applies; the folder's deny and ask rules apply either way.</source>
        <translation>Eingeschränkt geöffnet gilt nichts davon; die Verbots- und Nachfrageregeln des Ordners gelten in jedem Fall.</translation>
    </message>
    <message>
        <source>&amp;Trust</source>
        <translation>&amp;Vertrauen</translation>
    </message>
    <message>
        <source>Open &amp;Restricted</source>
        <translation>&amp;Eingeschränkt öffnen</translation>
    </message>
</context>
<context>
    <name>gatehouse::ui::WindowRegistry</name>
    <message>
        <source>The folder %1 does not exist.</source>
        <translation>Der Ordner %1 existiert nicht.</translation>
    </message>
    <message>
        <source>%1 is not a folder.</source>
        <translation>%1 ist kein Ordner.</translation>
    </message>
    <message>
        <source>The folder %1 cannot be read.</source>
        <translation>Der Ordner %1 kann nicht gelesen werden.</translation>
    </message>
    <message>
        <source>Opening %1 was cancelled.</source>
        <translation>Das Öffnen von %1 wurde abgebrochen.</translation>
    </message>
    <message>
        <source>The folder could not be trusted: %1</source>
        <translation>Dem Ordner konnte nicht vertraut werden: %1</translation>
    </message>
</context>
</TS>
