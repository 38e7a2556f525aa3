"""Framework and server knowledge, one module each: what their command lines mean, their
defaults, which objects are apps. Rules and the Project ask these; nothing else hard-codes them."""
