"""newsbot's front side: settings, answering, the console and the Telegram app."""
