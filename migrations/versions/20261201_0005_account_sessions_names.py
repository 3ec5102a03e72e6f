"""account sessions, confirmed addresses, names for people

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 00:40:00

Existing accounts keep working: their display name is split into a first name and the rest
(the last name, possibly empty), and their address counts as confirmed from the day the account
was made (they signed up before confirmation existed; making them confirm now would lock the
demo's and the CLI's accounts out of what they already do). Sessions signed in before this
revision carry the old "<id>:<fingerprint>" id, which matches no session record: those people
sign in once more.
"""
from alembic import op
import sqlalchemy as sa

import learnapp.db


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('first_name', sa.String(length=80), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('last_name', sa.String(length=80), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('name_shown', sa.String(length=10), nullable=False, server_default='initial'))
        batch_op.add_column(sa.Column('email_confirmed_at', learnapp.db.UTCDateTime(timezone=True), nullable=True))

    user = sa.table('user_account', sa.column('id', sa.Integer), sa.column('display_name', sa.String),
                    sa.column('first_name', sa.String), sa.column('last_name', sa.String),
                    sa.column('name_shown', sa.String), sa.column('email', sa.String),
                    sa.column('created_at', learnapp.db.UTCDateTime(timezone=True)),
                    sa.column('email_confirmed_at', learnapp.db.UTCDateTime(timezone=True)))
    connection = op.get_bind()
    for row in connection.execute(sa.select(user.c.id, user.c.display_name)).all():
        first, _, rest = (row.display_name or '').strip().partition(' ')
        # "full": the name they chose stays exactly what others saw until now.
        connection.execute(user.update().where(user.c.id == row.id).values(
            first_name=first[:80], last_name=rest.strip()[:80], name_shown='full'))
    connection.execute(user.update().where(user.c.email.is_not(None))
                       .values(email_confirmed_at=user.c.created_at))

    op.create_table('user_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('key_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', learnapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', learnapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ended_at', learnapp.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('remember', sa.Boolean(), nullable=False),
    sa.Column('label', sa.String(length=120), nullable=False),
    sa.Column('address', sa.String(length=45), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_user_session_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_session')),
    sa.UniqueConstraint('key_hash', name=op.f('uq_user_session_key_hash'))
    )
    with op.batch_alter_table('user_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_session_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('user_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_session_user_id'))
    op.drop_table('user_session')
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('email_confirmed_at')
        batch_op.drop_column('name_shown')
        batch_op.drop_column('last_name')
        batch_op.drop_column('first_name')
