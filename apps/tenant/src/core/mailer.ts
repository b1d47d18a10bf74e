/**
 * Sending email. The SMTP client (nodemailer) is built from the settings' `smtp` section
 * and rebuilt whenever the settings change; with SMTP disabled every send fails with a
 * clear error (PocketBase would fall back to a local sendmail, which tenants do not have).
 * Tests and framework users can swap the transport for their own.
 */
import type { Transporter } from 'nodemailer';
import type { Settings } from './settings.js';

/** One address. */
export interface MailAddress {
  address: string;
  name?: string;
}

/** A message to send. */
export interface MailMessage {
  from: MailAddress;
  to: MailAddress[];
  subject: string;
  html: string;
  text?: string;
}

/** Something that delivers messages. */
export interface MailTransport {
  send(message: MailMessage): Promise<void>;
}

/** How long an SMTP exchange may take before it fails. */
const SMTP_TIMEOUT_MS = 15_000;

type SmtpSettings = Settings['smtp'];

async function createSmtpTransport(smtp: SmtpSettings): Promise<Transporter> {
  const nodemailer = await import('nodemailer');
  const auth = smtp.username || smtp.password ? { user: smtp.username, pass: smtp.password, method: smtp.authMethod || undefined } : undefined;
  return nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    // "tls" means implicit TLS (usually port 465); otherwise STARTTLS is used when offered.
    secure: smtp.tls,
    auth,
    name: smtp.localName || undefined,
    connectionTimeout: SMTP_TIMEOUT_MS,
    greetingTimeout: SMTP_TIMEOUT_MS,
    socketTimeout: SMTP_TIMEOUT_MS,
  });
}

const format = (a: MailAddress) => (a.name ? { name: a.name, address: a.address } : a.address);

/** The SMTP transport following the current settings. */
export class SmtpTransport implements MailTransport {
  private built: { for: SmtpSettings; transporter: Promise<Transporter> } | undefined;

  constructor(private readonly smtp: () => SmtpSettings) {}

  async send(message: MailMessage): Promise<void> {
    const smtp = this.smtp();
    if (!smtp.enabled) throw new Error('SMTP is not enabled in the settings: no email can be sent.');
    if (!this.built || this.built.for !== smtp) {
      const previous = this.built;
      this.built = { for: smtp, transporter: createSmtpTransport(smtp) };
      void previous?.transporter.then((t) => t.close(), () => undefined);
    }
    const transporter = await this.built.transporter;
    await transporter.sendMail({
      from: format(message.from),
      to: message.to.map(format),
      subject: message.subject,
      html: message.html,
      text: message.text,
    });
  }

  /** Closes the pooled connections. */
  close(): void {
    void this.built?.transporter.then((t) => t.close(), () => undefined);
    this.built = undefined;
  }
}
