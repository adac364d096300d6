package io.nokv.node.local;

/** A tiny program for {@link SupervisedProcessTest}: prints its arguments, then exits with a code or waits to be stopped. */
public final class ChildMain {
    private ChildMain() {
    }

    /** {@code ChildMain exit CODE LINE...} or {@code ChildMain wait LINE...}. */
    public static void main(String[] args) throws InterruptedException {
        int first = args[0].equals("exit") ? 2 : 1;
        for (int i = first; i < args.length; i++) {
            System.out.println(args[i]);
        }
        System.out.flush();
        if (args[0].equals("exit")) {
            System.exit(Integer.parseInt(args[1]));
        }
        Thread.sleep(Long.MAX_VALUE);
    }
}
