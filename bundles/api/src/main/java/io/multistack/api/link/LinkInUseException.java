package io.multistack.api.link;

/** A link that another owner already uses was claimed. */
public class LinkInUseException extends Exception {
    private static final long serialVersionUID = 1L;
    private final String link;
    private final String holder;

    public LinkInUseException(String link, String holder) {
        super("link " + link + " is already used by " + holder);
        this.link = link;
        this.holder = holder;
    }

    public String link() {
        return link;
    }

    public String holder() {
        return holder;
    }
}
