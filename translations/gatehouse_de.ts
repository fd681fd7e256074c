<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE" sourcelanguage="en">
<context>
    <name>gatehouse::ui::AccountPage</name>
    <message>
        <source>&amp;Remove Key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Gatehouse talks to the model with your Anthropic API key. The key is kept in the system keychain only: it is never written to a file or a log.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Paste a key (sk-ant-…)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Anthropic API key:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Looking in the keychain…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No key is stored. Without one, Gatehouse uses ANTHROPIC_API_KEY from the environment if it is set.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A key is stored in the system keychain.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Talking to the keychain…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No keychain is available on this system (on Linux: no Secret Service such as GNOME Keyring or KWallet is running). Gatehouse stores the key nowhere else; start a keychain, or set ANTHROPIC_API_KEY in the environment.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The keychain reported an error: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Re&amp;place Key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Save to Keychain</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>gatehouse::ui::FileViewer</name>
    <message>
        <source>%1 is a folder.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is too large to show (%2 MiB; the limit is %3 MiB).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot read %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is a binary file.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>gatehouse::ui::MainWindow</name>
    <message>
        <source>%1 — Gatehouse</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reading git status…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not a git repository</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Git status could not be read</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Open Folder…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Refresh Git Status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Close Window</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;About Gatehouse</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>About Gatehouse</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;p&gt;&lt;b&gt;Gatehouse&lt;/b&gt; %1&lt;/p&gt;&lt;p&gt;Work with an AI coding agent where every action it takes passes a gate you can see and control.&lt;/p&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Conversation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The conversation with the agent will appear here.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No model is connected yet.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Send</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Review</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose a file to see it here.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Approvals</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing is waiting for your answer.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Gatehouse</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open Folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Detached HEAD at %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Branch %1 (no commits yet)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Branch %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>, up to date with %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>, %1 ahead and %2 behind %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No changes</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n conflicted</source>
        <translation type="unfinished">
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n staged</source>
        <translation type="unfinished">
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n modified</source>
        <translation type="unfinished">
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n deleted</source>
        <translation type="unfinished">
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n untracked</source>
        <translation type="unfinished">
            <numerusform></numerusform>
        </translation>
    </message>
</context>
<context>
    <name>gatehouse::ui::SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Account</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>gatehouse::ui::WindowRegistry</name>
    <message>
        <source>The folder %1 does not exist.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is not a folder.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The folder %1 cannot be read.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
