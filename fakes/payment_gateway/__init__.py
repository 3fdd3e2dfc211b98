"""A fake third-party payment gateway that behaves (and misbehaves) like a real one."""
