/** A failure a script reports as one line and exit code 1, without a stack trace. */
public final class ScriptFailure extends RuntimeException {
    public ScriptFailure(String message) {
        super(message);
    }
}
