"""In-app notifications, with e-mail through SMTP when it is configured."""
