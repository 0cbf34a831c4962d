"""The door: every scan's verdict, the scan writes, guest search, the scanner bundle,
attendance, and the door page with its scripts and styles."""
